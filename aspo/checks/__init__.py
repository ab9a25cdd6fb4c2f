"""`aspo check`: the rules run over the library and the accounts."""

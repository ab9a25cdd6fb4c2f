"""The output formats: each renders the document model, and reads its files back as text."""

"""What every layer uses: errors, rule ids, YAML with lines, the clock, files, stopping."""

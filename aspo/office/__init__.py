"""What Office template files offer (layouts, placeholders, Word styles) and whether they are safe to use."""

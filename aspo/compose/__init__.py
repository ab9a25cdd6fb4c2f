"""The one document model, composed from a plan with marketing's templates, and fitted to slides."""

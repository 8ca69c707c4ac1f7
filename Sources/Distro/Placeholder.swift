enum PlaceholderDistro {}

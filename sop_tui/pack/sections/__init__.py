"""One module per section of the decision pack, each building that section's plain data."""

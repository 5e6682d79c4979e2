"""Model catalog (prices, limits, capabilities, quality) and the selection engine built on it."""

"""Emergency alerts raised mid-conversation, as staff see them."""

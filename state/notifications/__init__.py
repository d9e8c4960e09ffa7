"""The notification centre's states: the bell in every page's frame and the inbox page."""

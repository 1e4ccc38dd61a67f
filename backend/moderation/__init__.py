"""Committee moderation: flags, auto-hide, the queue, actions, appeals, word filter, transparency."""

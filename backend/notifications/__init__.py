"""In-app inbox now; Web Push, preferences and quiet hours come with the notifications issue."""

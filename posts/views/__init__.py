"""Post pages: timelines and hashtags (feed), a post and its thread, composing,
editing and deleting (post), likes and reposts (reactions), notifications."""

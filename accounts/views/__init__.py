"""Account pages: signing up and in (auth), profiles (profiles), settings and
organisation members (settings), generated avatars (avatars)."""

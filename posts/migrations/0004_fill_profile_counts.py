"""Fill the profile counts added in accounts 0002 from the rows they count; from
here on posts.stats and accounts.actions keep them."""

from django.db import migrations

FILL = """
UPDATE accounts_profile SET
    post_count = (SELECT COUNT(*) FROM posts_post s WHERE s.author_id = accounts_profile.id
                  AND s.deleted_at IS NULL AND s.hidden_at IS NULL),
    last_post_at = (SELECT MAX(s.created_at) FROM posts_post s
                    WHERE s.author_id = accounts_profile.id
                    AND s.deleted_at IS NULL AND s.hidden_at IS NULL),
    follower_count = (SELECT COUNT(*) FROM accounts_follow f
                      WHERE f.followee_id = accounts_profile.id),
    following_count = (SELECT COUNT(*) FROM accounts_follow f
                       WHERE f.follower_id = accounts_profile.id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_profile_counts"),
        ("posts", "0003_post_author_visible_idx"),
    ]

    operations = [migrations.RunSQL(FILL, migrations.RunSQL.noop)]

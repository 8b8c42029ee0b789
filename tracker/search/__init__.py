"""One search over the partnership's own records: reviews, recommendations, actions, progress
updates and evidence (and each new kind that registers in `tracker.search.index`)."""

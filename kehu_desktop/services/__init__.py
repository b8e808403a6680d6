"""Use cases, rules and reports: plain Python over the models, free of Qt."""

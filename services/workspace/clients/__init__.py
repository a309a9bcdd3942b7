"""One small client per service the workspace calls; pages never build another service's URLs."""

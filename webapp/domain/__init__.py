"""The portal's work shared by areas, free of HTTP: accounts, workflow, files, audit, retention."""

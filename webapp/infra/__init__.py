"""Infrastructure: settings, database, clock, mail, virus scanner, case types, migrations."""

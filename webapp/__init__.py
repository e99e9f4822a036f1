"""The School Portal web application (Flask). Built on the engine; see DESIGN.md."""

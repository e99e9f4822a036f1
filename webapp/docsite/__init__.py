"""`portal docs`: the case types' documentation as a static site, generated from the YAML.

site.py writes the pages (templates/ and static/docs.css of its own), questions.py says what a
question asks in words, diagram.py draws a workflow as SVG; the English of conditions, rules and
calculated values is engine/describe.py's. No database, no Flask app, no JavaScript.
"""

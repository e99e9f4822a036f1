"""What users see: one blueprint package an area (routes, forms, the area's services)."""

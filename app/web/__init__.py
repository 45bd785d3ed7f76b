"""What every blueprint shares: security headers and role checks, error pages, the actor behind a request,
turning service errors into pages, form fields, the report's question forms, template set-up and navigation.
"""

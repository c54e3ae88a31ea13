"""What both outputs share: article bodies as HTML (`markdown`), the Jinja2 layouts (`layouts`),
the fonts (`fonts`), the article view (`views`), and the `Kit` of everything rendering needs,
resolved once from the project (`kit`)."""

"""H5: export jobs (as Shopify's bulk operations): a large CSV made in the background, then fetched by a link."""

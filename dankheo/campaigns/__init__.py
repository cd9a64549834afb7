"""Campaign configuration: fields, campaigns and their windows, rubric criteria, award types."""

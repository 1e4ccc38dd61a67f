"""Comments on any registered target (projects, reports, aid, activities, notices): one generic mechanism."""

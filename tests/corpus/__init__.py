"""A corpus of real published annual reports, typed in as published, with their mismatches found by hand."""

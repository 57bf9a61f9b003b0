"""Given code of the course: what the lessons use but do not ask students to write."""

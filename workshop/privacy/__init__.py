"""Personal data: each workspace's privacy notice, finding, exporting and erasing a person, and
removing guests' names a set number of days after their live session ended."""

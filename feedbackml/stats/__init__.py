"""Statistics: scores (NPS/CSAT/CES with intervals), drivers, attribution, segments, trends and alerts."""

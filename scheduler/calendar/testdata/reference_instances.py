#!/usr/bin/python3
"""Print the occurrences that python3-recurring-ical-events (Debian) finds in .ics files.

Usage: /usr/bin/python3 reference_instances.py FROM TO FILE...
FROM and TO are YYYYMMDD. Output: one JSON object mapping each FILE to
{"instances": [[start, end], ...]} or {"error": "..."}.
Dates print as YYYY-MM-DD; date-times as UTC YYYY-MM-DDTHH:MM:SSZ, floating ones
read as UTC (the Go side of the differential test uses UTC as the local zone).
"""
import datetime
import json
import sys

import icalendar
import recurring_ical_events


def fmt(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%d")


def main():
    start = datetime.datetime.strptime(sys.argv[1], "%Y%m%d")
    stop = datetime.datetime.strptime(sys.argv[2], "%Y%m%d")
    out = {}
    for path in sys.argv[3:]:
        try:
            with open(path, "rb") as f:
                cal = icalendar.Calendar.from_ical(f.read())
            pairs = set()
            for ev in recurring_ical_events.of(cal).between(start, stop):
                s = ev["DTSTART"].dt
                e = ev["DTEND"].dt if "DTEND" in ev else s
                pairs.add((fmt(s), fmt(e)))
            out[path] = {"instances": sorted(pairs)}
        except Exception as exc:  # the reference itself fails on some files
            out[path] = {"error": "%s: %s" % (type(exc).__name__, exc)}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()

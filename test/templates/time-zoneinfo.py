# The zone oracle for test/templates/time-zoneinfo-oracle.test.ts: Debian's Python reading the system's tz
# database (/usr/share/zoneinfo, package tzdata) through zoneinfo; no ICU, no luxon. Reads one JSON request
# on stdin, writes one JSON answer on stdout.
#
# Request: {"zones": [{"zone", "label"}], "from": ms, "to": ms, "around": [ms offsets], "instants": [ms]}
# Answer:  {"transitions": {zone: [ms]}, "instants": [{"at", "date", "clock", "line", "walls": [...]}]}
import json
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def abbreviation(local):
    # tzdata writes zones without a common abbreviation by their offset (`+0545`); Herald writes `UTC+5:45`.
    name = local.tzname()
    if name and name[0] in "+-" and name[1:].isdigit():
        sign = "+" if name[0] == "+" else "\u2212"
        hours, minutes = int(name[1:3]), int(name[3:5] or 0)
        return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
    return name


def transitions(zone, start, end):
    """Every instant (ms) from start to end at which the zone's UTC offset changes, to the second."""
    tz = ZoneInfo(zone)
    offset = lambda s: datetime.fromtimestamp(s, tz).utcoffset()
    found = []
    s = start // 1000
    last = offset(s)
    while s < end // 1000:
        t = s + 3600
        now = offset(t)
        if now != last:
            lo, hi = s, t  # offset(lo) == last, offset(hi) != last
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset(mid) == last:
                    lo = mid
                else:
                    hi = mid
            found.append(hi * 1000)
            last = now
        s = t
    return found


def describe(at, zones):
    u = datetime.fromtimestamp(at / 1000, timezone.utc)
    parts, walls = [], []
    for z in zones:
        tz = ZoneInfo(z["zone"])
        local = u.astimezone(tz)
        day = "" if local.date() == u.date() else f", {local.day} {MONTHS[local.month - 1]}"
        parts.append(f"{local:%H:%M} {abbreviation(local)} {z['label']}{day}")
        # Does this wall time happen twice? The other fold names another instant that shows the same wall.
        naive = local.replace(tzinfo=None)
        other = naive.replace(fold=1 - local.fold, tzinfo=tz)
        twice = other.astimezone(timezone.utc) != local.astimezone(timezone.utc) and \
            other.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) == naive
        walls.append({"wall": f"{local:%Y-%m-%d %H:%M}", "abbreviation": abbreviation(local), "twice": twice})
    return {"at": at, "date": f"{u.day} {MONTHS[u.month - 1]} {u.year:04d}", "clock": f"{u:%H:%M}",
            "line": " \u00b7 ".join(parts), "walls": walls}


def main():
    request = json.load(sys.stdin)
    zones = request["zones"]
    found = {z["zone"]: transitions(z["zone"], request["from"], request["to"]) for z in zones}
    instants = set(request["instants"])
    for changes in found.values():
        for change in changes:
            # Whole minutes, as times are written: the minute of the change and those around it.
            minute = change - change % 60000
            for delta in request["around"]:
                instants.add(minute + delta)
    json.dump({"transitions": found, "instants": [describe(at, zones) for at in sorted(instants)]}, sys.stdout)


main()

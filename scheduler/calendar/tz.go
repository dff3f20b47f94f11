package calendar

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

var (
	zoneIndexOnce sync.Once
	ianaLower     map[string]string // lower-case IANA name -> canonical spelling
	windowsLower  map[string]string // lower-case Windows name -> IANA name
	locCache      sync.Map          // IANA name -> *time.Location
)

func buildZoneIndex() {
	ianaLower = make(map[string]string, len(ianaZones))
	for _, z := range ianaZones {
		ianaLower[strings.ToLower(z)] = z
	}
	windowsLower = make(map[string]string, len(windowsZones))
	for w, z := range windowsZones {
		windowsLower[strings.ToLower(w)] = z
	}
}

func loadIANA(name string) (*time.Location, bool) {
	if l, ok := locCache.Load(name); ok {
		return l.(*time.Location), true
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	locCache.Store(name, l)
	return l, true
}

// LookupZone maps a TZID as calendars write it to a location: IANA names in any case,
// Windows names ("W. Europe Standard Time") through CLDR, and vendor prefixes such as
// "/mozilla.org/20050126_1/Europe/Berlin". It does not consult any VTIMEZONE.
func LookupZone(tzid string) (*time.Location, bool) {
	zoneIndexOnce.Do(buildZoneIndex)
	n := strings.TrimSpace(strings.Trim(strings.TrimSpace(tzid), `"'`))
	if n == "" || len(n) > 200 {
		return nil, false
	}
	switch strings.ToUpper(n) {
	case "UTC", "GMT", "Z", "ETC/UTC", "ETC/GMT", "UNIVERSAL", "ZULU", "COORDINATED UNIVERSAL TIME":
		return time.UTC, true
	}
	lower := strings.ToLower(n)
	if z, ok := ianaLower[lower]; ok {
		if l, ok := loadIANA(z); ok {
			return l, true
		}
	}
	if z, ok := windowsLower[lower]; ok {
		if l, ok := loadIANA(z); ok {
			return l, true
		}
	}
	for i := 0; i < len(lower); i++ {
		if lower[i] == '/' && i+1 < len(lower) {
			if z, ok := ianaLower[lower[i+1:]]; ok && strings.Contains(z, "/") {
				if l, ok := loadIANA(z); ok {
					return l, true
				}
			}
		}
	}
	return nil, false
}

// zoneResolver resolves TZIDs of one calendar: by name first, then the calendar's own
// VTIMEZONE (its X-LIC-LOCATION, then its STANDARD/DAYLIGHT rules).
type zoneResolver struct {
	vtz   map[string]*ical.Component // upper-cased TZID -> VTIMEZONE
	cache map[string]zoneResult
}

type zoneResult struct {
	loc *time.Location
	err error
}

func newZoneResolver(cal *ical.Component) *zoneResolver {
	z := &zoneResolver{vtz: map[string]*ical.Component{}, cache: map[string]zoneResult{}}
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone {
			continue
		}
		if p := c.Props.Get(ical.PropTimezoneID); p != nil {
			z.vtz[strings.ToUpper(strings.TrimSpace(p.Value))] = c
		}
	}
	return z
}

func (z *zoneResolver) resolve(tzid string) (*time.Location, error) {
	if r, ok := z.cache[tzid]; ok {
		return r.loc, r.err
	}
	loc, err := z.resolveUncached(tzid)
	z.cache[tzid] = zoneResult{loc, err}
	return loc, err
}

func (z *zoneResolver) resolveUncached(tzid string) (*time.Location, error) {
	if l, ok := LookupZone(tzid); ok {
		return l, nil
	}
	vt := z.vtz[strings.ToUpper(strings.TrimSpace(tzid))]
	if vt == nil {
		return nil, fmt.Errorf("unknown time zone %q (no IANA, Windows or VTIMEZONE definition)", clip(tzid))
	}
	for _, name := range []string{"X-LIC-LOCATION", "X-MICROSOFT-CDO-TZID-NAME"} {
		if p := vt.Props.Get(name); p != nil {
			if l, ok := LookupZone(p.Value); ok {
				return l, nil
			}
		}
	}
	l, err := zoneFromVTimezone(tzid, vt)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", clip(tzid), err)
	}
	return l, nil
}

type transition struct {
	at     int64
	offset int
	dst    bool
	abbr   string
}

// zoneFromVTimezone builds a location from a VTIMEZONE's STANDARD and DAYLIGHT onsets
// (years up to 2100), for zones known neither by IANA nor by Windows name.
func zoneFromVTimezone(tzid string, vt *ical.Component) (*time.Location, error) {
	var trans []transition
	firstFrom, haveFirst := 0, false
	var firstAt int64
	for _, c := range vt.Children {
		if c.Name != ical.CompTimezoneStandard && c.Name != ical.CompTimezoneDaylight {
			continue
		}
		from, err := parseUTCOffset(c.Props.Get(ical.PropTimezoneOffsetFrom))
		if err != nil {
			return nil, fmt.Errorf("%s TZOFFSETFROM: %w", c.Name, err)
		}
		to, err := parseUTCOffset(c.Props.Get(ical.PropTimezoneOffsetTo))
		if err != nil {
			return nil, fmt.Errorf("%s TZOFFSETTO: %w", c.Name, err)
		}
		abbr := ""
		if p := c.Props.Get(ical.PropTimezoneName); p != nil {
			abbr = p.Value
		}
		if abbr == "" || len(abbr) > 6 {
			abbr = fmt.Sprintf("%+03d%02d", to/3600, abs(to%3600)/60)
		}
		fixed := time.FixedZone("", from)
		sp := c.Props.Get(ical.PropDateTimeStart)
		if sp == nil {
			return nil, fmt.Errorf("%s without DTSTART", c.Name)
		}
		start, err := time.ParseInLocation("20060102T150405", strings.TrimSpace(sp.Value), fixed)
		if err != nil {
			return nil, fmt.Errorf("%s DTSTART %q: %w", c.Name, clip(sp.Value), err)
		}
		onsets := []time.Time{start}
		for _, rp := range c.Props.Values(ical.PropRecurrenceRule) {
			o, err := rrule.StrToROptionInLocation(strings.ToUpper(strings.TrimSpace(rp.Value)), time.UTC)
			if err != nil {
				return nil, fmt.Errorf("%s RRULE: %w", c.Name, err)
			}
			o.Dtstart = start
			// Outlook starts rules in 1601: skip ahead so the onsets reach 2100.
			fastForward(o, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC))
			r, err := rrule.NewRRule(*o)
			if err != nil {
				return nil, fmt.Errorf("%s RRULE: %w", c.Name, err)
			}
			next := r.Iterator()
			for i := 0; i < 1000; i++ {
				t, ok := next()
				if !ok || t.Year() > 2100 {
					break
				}
				onsets = append(onsets, t)
			}
		}
		for _, rp := range c.Props.Values(ical.PropRecurrenceDates) {
			for _, v := range strings.Split(rp.Value, ",") {
				if t, err := time.ParseInLocation("20060102T150405", strings.TrimSpace(v), fixed); err == nil {
					onsets = append(onsets, t)
				}
			}
		}
		for _, t := range onsets {
			trans = append(trans, transition{at: t.Unix(), offset: to, dst: c.Name == ical.CompTimezoneDaylight, abbr: abbr})
			if !haveFirst || t.Unix() < firstAt {
				haveFirst, firstAt, firstFrom = true, t.Unix(), from
			}
		}
	}
	if len(trans) == 0 {
		return nil, fmt.Errorf("VTIMEZONE has no STANDARD or DAYLIGHT part")
	}
	sort.Slice(trans, func(i, j int) bool { return trans[i].at < trans[j].at })
	data, err := tzif(firstFrom, trans)
	if err != nil {
		return nil, err
	}
	return time.LoadLocationFromTZData(tzid, data)
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// parseUTCOffset reads "+0100", "-0530" or "+013045".
func parseUTCOffset(p *ical.Prop) (int, error) {
	if p == nil {
		return 0, fmt.Errorf("missing")
	}
	v := strings.TrimSpace(p.Value)
	if len(v) != 5 && len(v) != 7 || (v[0] != '+' && v[0] != '-') {
		return 0, fmt.Errorf("invalid UTC offset %q", clip(v))
	}
	h, err1 := strconv.Atoi(v[1:3])
	m, err2 := strconv.Atoi(v[3:5])
	s := 0
	var err3 error
	if len(v) == 7 {
		s, err3 = strconv.Atoi(v[5:7])
	}
	if err1 != nil || err2 != nil || err3 != nil || h > 23 || m > 59 || s > 59 {
		return 0, fmt.Errorf("invalid UTC offset %q", clip(v))
	}
	off := h*3600 + m*60 + s
	if v[0] == '-' {
		off = -off
	}
	return off, nil
}

// tzif encodes transitions as TZif version 2 data for time.LoadLocationFromTZData.
func tzif(initialOffset int, trans []transition) ([]byte, error) {
	type ttinfo struct {
		off  int
		dst  bool
		abbr string
	}
	types := []ttinfo{{off: initialOffset, abbr: fmt.Sprintf("%+03d%02d", initialOffset/3600, abs(initialOffset%3600)/60)}}
	index := map[ttinfo]int{types[0]: 0}
	idx := make([]byte, len(trans))
	for i, t := range trans {
		k := ttinfo{t.offset, t.dst, t.abbr}
		j, ok := index[k]
		if !ok {
			j = len(types)
			types = append(types, k)
			index[k] = j
		}
		idx[i] = byte(j)
	}
	if len(types) > 32 {
		return nil, fmt.Errorf("VTIMEZONE has %d different offsets, more than 32", len(types))
	}
	var chars []byte
	abbrIdx := make([]int, len(types))
	for i, t := range types {
		abbrIdx[i] = len(chars)
		chars = append(chars, t.abbr...)
		chars = append(chars, 0)
	}
	var b bytes.Buffer
	header := func(timecnt, typecnt, charcnt int) {
		b.WriteString("TZif2")
		b.Write(make([]byte, 15))
		for _, n := range []int{0, 0, 0, timecnt, typecnt, charcnt} {
			_ = binary.Write(&b, binary.BigEndian, uint32(n))
		}
	}
	// Version 1 block: one type, no transitions; readers of version 2 skip it.
	header(0, 1, 1)
	_ = binary.Write(&b, binary.BigEndian, int32(initialOffset))
	b.Write([]byte{0, 0, 0})
	header(len(trans), len(types), len(chars))
	for _, t := range trans {
		_ = binary.Write(&b, binary.BigEndian, t.at)
	}
	b.Write(idx)
	for i, t := range types {
		_ = binary.Write(&b, binary.BigEndian, int32(t.off))
		dst := byte(0)
		if t.dst {
			dst = 1
		}
		b.Write([]byte{dst, byte(abbrIdx[i])})
	}
	b.Write(chars)
	b.WriteString("\n\n")
	return b.Bytes(), nil
}

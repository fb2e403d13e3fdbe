package transform

import (
	"encoding/binary"
	"math"
	"math/bits"
	"sort"
)

// pointKeys remembers the key (series, time) of every point built so far,
// with the position of the row that first had it, so that duplicate
// detection is exact however large the input is.
//
// Most inputs list each series in time order, ascending or descending, the
// way a database or a logger writes them. pointKeys keeps those keys the
// way a time-series engine keeps its data: per series, as steps from the
// previous point, a few bytes each (a one-second step is one byte, the line
// step another), in blocks of blockPoints with a head to search by. A key
// that arrives out of its series' order is looked up in those blocks and
// then kept in a map, at the cost of a map entry. A Go map of every key took
// about 50 bytes a point, 500 MB for ten million rows.
type pointKeys struct {
	index  seriesIndex // series hash -> index in series
	series []seriesKeys
	fps    [][]uint64          // per series and point, firstRow.fp, when tracking
	late   map[uint64]firstRow // out-of-order keys: mix(series hash, time)
	track  bool
	sink   int32 // what touch read, so that its loads are kept
}

// blockPoints is the number of points between two block heads: a lookup
// of an out-of-order key decodes at most this many steps.
const blockPoints = 64

// seriesKeys holds one series' in-order points: 96 bytes, and the steps.
// A series of up to blockPoints points (what most series of a
// high-cardinality input are) has no more.
type seriesKeys struct {
	n       int32 // points
	desc    bool  // time decreases (decided by the second point)
	last    int64 // the time of the last point
	lastPos int64 // the position of the last point
	head    keyBlock
	data    []byte
	blocks  []keyBlock // the heads after the first
}

// keyBlock is the head of up to blockPoints points: the first point's
// time and position, its ordinal, and the offset in data of the second
// point's steps.
type keyBlock struct {
	ts, pos int64
	first   int32
	off     uint32
}

// block returns the head of block b: 0 is head, then blocks.
func (s *seriesKeys) block(b int) keyBlock {
	if b == 0 {
		return s.head
	}
	return s.blocks[b-1]
}

func newPointKeys(track bool) *pointKeys {
	return &pointKeys{late: make(map[uint64]firstRow), track: track}
}

// add records the point (series, ts) first seen at row, unless it was seen
// before: then it returns the first row and dup=true.
func (p *pointKeys) add(series uint64, ts int64, row firstRow) (first firstRow, dup bool) {
	si, ok := p.index.get(series)
	if !ok {
		si = int32(len(p.series))
		p.index.put(series, si)
		p.series = append(p.series, seriesKeys{})
		if p.track {
			p.fps = append(p.fps, nil)
		}
	}
	s := &p.series[si]
	if s.n > 0 && ts == s.last {
		return p.row(si, s.n-1, s.lastPos), true
	}
	if s.n < 2 || (ts > s.last) != s.desc {
		if s.append(ts, row) {
			if p.track {
				p.fps[si] = append(p.fps[si], row.fp)
			}
			return firstRow{}, false
		}
	} else if k, pos, ok := s.find(ts); ok {
		return p.row(si, k, pos), true
	}
	// Out of order (or past what a series can hold): among the late keys.
	k := mixTime(series, ts)
	if first, ok := p.late[k]; ok {
		return first, true
	}
	p.late[k] = row
	return firstRow{}, false
}

// touchRows is how many rows' series apply hands touch at a time: their
// slots, headers and last steps fit in a core's cache with room to spare.
const touchRows = 256

// touch reads what add will read of the given series: their index slots,
// then their headers and last steps. Each add, at random among many
// series, waits for two or three cache misses; touch's loads do not
// depend on one another, so that the core waits for many at once.
func (p *pointKeys) touch(series []uint64) {
	if p.index.n == 0 {
		return
	}
	var sum int32
	mask := len(p.index.slots) - 1
	for _, h := range series {
		sum += p.index.slots[p.index.home(h)&mask].si
	}
	for _, h := range series {
		if si, ok := p.index.get(h); ok {
			s := &p.series[si]
			sum += s.n
			if len(s.data) > 0 {
				sum += int32(s.data[len(s.data)-1])
			}
		}
	}
	p.sink += sum
}

// row returns the first row of series si's k-th point, at position pos.
func (p *pointKeys) row(si, k int32, pos int64) firstRow {
	r := firstRow{line: pos}
	if p.track {
		r.fp = p.fps[si][k]
	}
	return r
}

// append adds a point after the last one, in the series' order, unless
// the series holds 2³¹-1 points or 4 GB of steps already.
func (s *seriesKeys) append(ts int64, row firstRow) bool {
	if s.n == 0 {
		s.head = keyBlock{ts: ts, pos: row.line}
		s.n, s.last, s.lastPos = 1, ts, row.line
		return true
	}
	if s.n == math.MaxInt32 || len(s.data) > math.MaxUint32-2*binary.MaxVarintLen64 {
		return false
	}
	if s.n == 1 {
		s.desc = ts < s.last
	}
	// The step as unsigned: exact even where ts-last overflows int64.
	step := uint64(ts) - uint64(s.last)
	if s.desc {
		step = uint64(s.last) - uint64(ts)
	}
	last := s.block(len(s.blocks))
	if s.n-last.first == blockPoints || step >= 1<<62 {
		s.blocks = append(s.blocks, keyBlock{first: s.n, ts: ts, pos: row.line, off: uint32(len(s.data))})
	} else {
		s.data = binary.AppendUvarint(s.data, packStep(step))
		s.data = binary.AppendVarint(s.data, row.line-s.lastPos)
	}
	s.n++
	s.last, s.lastPos = ts, row.line
	return true
}

// find looks for ts among the series' points and returns its ordinal and
// position.
func (s *seriesKeys) find(ts int64) (k int32, pos int64, ok bool) {
	before := func(a, b int64) bool { // a comes before b in the series' order
		if s.desc {
			return a > b
		}
		return a < b
	}
	// The last block whose head does not come after ts.
	nb := len(s.blocks) + 1
	b := sort.Search(nb, func(i int) bool { return before(ts, s.block(i).ts) }) - 1
	if b < 0 {
		return 0, 0, false
	}
	end := s.n
	if b+1 < nb {
		end = s.block(b + 1).first
	}
	blk := s.block(b)
	t, pos, off := blk.ts, blk.pos, int(blk.off)
	for k := blk.first; ; k++ {
		if t == ts {
			return k, pos, true
		}
		if !before(t, ts) || k+1 >= end {
			return 0, 0, false
		}
		step, w := binary.Uvarint(s.data[off:])
		off += w
		d, w := binary.Varint(s.data[off:])
		off += w
		if s.desc {
			t = int64(uint64(t) - unpackStep(step))
		} else {
			t = int64(uint64(t) + unpackStep(step))
		}
		pos += d
	}
}

// packStep shortens a time step below 2⁶² that is a whole number of
// seconds, milliseconds or microseconds: its two low bits say which, so a
// step of one to 31 seconds takes one byte, not five.
func packStep(d uint64) uint64 {
	switch {
	case d%1e9 == 0:
		return d/1e9<<2 | 3
	case d%1e6 == 0:
		return d/1e6<<2 | 2
	case d%1e3 == 0:
		return d/1e3<<2 | 1
	}
	return d << 2
}

func unpackStep(v uint64) uint64 {
	return v >> 2 * [4]uint64{1, 1e3, 1e6, 1e9}[v&3]
}

// mixTime hashes a series hash and a time into the key of a late point.
func mixTime(series uint64, ts int64) uint64 {
	h := series ^ uint64(ts)*0x9e3779b97f4a7c15
	h ^= h >> 32
	h *= 0xd6e8feb86659fd93
	return h ^ h>>32
}

// seriesIndex maps a series hash to its index in pointKeys.series: an
// open-addressing table probed linearly from the slot the hash's high
// bits name, so that a lookup, at random among many series, costs one
// cache miss where a Go map costs two.
type seriesIndex struct {
	slots []indexSlot // a power of two of them, at most half full
	n     int
	shift uint // 64 - log2(len(slots))
}

// indexSlot is one entry of a seriesIndex: si is the index plus one, 0
// in an empty slot.
type indexSlot struct {
	key uint64
	si  int32
}

// get returns the index of the series with hash key.
func (x *seriesIndex) get(key uint64) (int32, bool) {
	if x.n == 0 {
		return 0, false
	}
	mask := len(x.slots) - 1
	for i := x.home(key); ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.si == 0 {
			return 0, false
		}
		if s.key == key {
			return s.si - 1, true
		}
	}
}

// put adds the series with hash key, which get did not find, at index si.
func (x *seriesIndex) put(key uint64, si int32) {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
	x.insert(key, si+1)
	x.n++
}

// home returns the slot where the probe for key starts: Fibonacci
// hashing, which spreads hashes whatever bits they differ in.
func (x *seriesIndex) home(key uint64) int {
	return int((key * 0x9e3779b97f4a7c15) >> x.shift)
}

// insert puts key in the first empty slot of its probe.
func (x *seriesIndex) insert(key uint64, si int32) {
	mask := len(x.slots) - 1
	i := x.home(key)
	for x.slots[i].si != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = indexSlot{key, si}
}

// grow doubles the slots (to 1,024 at first) and puts the keys back.
func (x *seriesIndex) grow() {
	old := x.slots
	size := max(1024, 2*len(old))
	x.slots = make([]indexSlot, size)
	x.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for _, s := range old {
		if s.si != 0 {
			x.insert(s.key, s.si)
		}
	}
}

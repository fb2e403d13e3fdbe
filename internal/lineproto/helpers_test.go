package lineproto

import "github.com/influxframe/influxframe/internal/lptest"

// The shared test helpers, under the names the tests use.
type (
	col   = lptest.Col
	point = lptest.Point
	field = lptest.Field
)

var (
	makeRecord     = lptest.MakeRecord
	makeRecordPrec = lptest.MakeRecordPrec
	decodeAll      = lptest.DecodeAll
	expectPoint    = lptest.ExpectPoint
	samePoint      = lptest.SamePoint
)

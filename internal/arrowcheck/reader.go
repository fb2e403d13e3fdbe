package arrowcheck

import (
	"encoding/binary"
	"io"
	"math"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// MessageReader reads the messages of an Arrow IPC stream and checks each
// one before handing it over, as the package documentation describes. It
// satisfies ipc.MessageReader. Make one with NewMessageReader.
type MessageReader struct {
	r    io.Reader
	file bool // the stream of an IPC file: a footer follows it
	refs atomic.Int64
	cur  *ipc.Message
	body []byte // reused: the arrow library copies buffers out of bodies
	done bool

	schema      bool
	fields      []*ipcField
	dictTypes   map[int64]*ipcField // dictionary id -> field with the value type
	dictSeen    map[int64]bool
	dictLen     map[int64]int64 // values in each dictionary so far
	dictsNeeded int
	dictMsgs    int
	zstd        *zstd.Decoder
	lz4         *lz4.Reader
}

// fileMagic starts and ends an Arrow IPC file.
const fileMagic = "ARROW1"

// Message header types.
const (
	msgSchema      = 1
	msgDictionary  = 2
	msgRecordBatch = 3
)

const (
	maxNesting    = 64      // depth of nested types, as the arrow library allows
	maxFields     = 1 << 17 // fields in a schema, nested ones included
	maxTables     = 1 << 20 // flatbuffer tables verified in one message
	freeValues    = 1 << 16 // values a batch may have with no bytes behind them
	maxBatchRows  = math.MaxInt32
	ipcContinue   = 0xFFFFFFFF
	metadataV4    = 3
	metadataV5    = 4
	codecLZ4Frame = 0
	codecZstd     = 1
)

// NewMessageReader returns a reader of the checked messages of the Arrow IPC
// stream in r, with one reference. When file is set, r holds the stream of
// an IPC file past its leading magic ("ARROW1" and two bytes of padding):
// the stream must then end with the file's footer. It reads r sequentially
// and does not close it; the ipc.Reader it is given to releases it.
func NewMessageReader(r io.Reader, file bool) *MessageReader {
	m := &MessageReader{r: r, file: file, dictTypes: map[int64]*ipcField{}, dictSeen: map[int64]bool{},
		dictLen: map[int64]int64{}}
	m.refs.Store(1)
	return m
}

// Retain adds a reference.
func (m *MessageReader) Retain() { m.refs.Add(1) }

// Release drops a reference; the last one frees the current message.
func (m *MessageReader) Release() {
	if m.refs.Add(-1) != 0 {
		return
	}
	if m.cur != nil {
		m.cur.Release()
		m.cur = nil
	}
	if m.zstd != nil {
		m.zstd.Close()
		m.zstd = nil
	}
}

// readFull reads n bytes into buf's storage, growing it only as the data
// arrives, so that a corrupt length costs at most about twice the input.
func readFull(r io.Reader, buf []byte, n int64) ([]byte, error) {
	if n < 0 {
		return nil, corrupt("negative length %d", n)
	}
	if n <= int64(cap(buf)) {
		buf = buf[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, unexpected(err)
		}
		return buf, nil
	}
	buf = buf[:0]
	for int64(len(buf)) < n {
		step := max(int64(len(buf)), 1<<20)
		step = min(step, n-int64(len(buf)))
		old := len(buf)
		buf = append(buf, make([]byte, step)...)
		if _, err := io.ReadFull(r, buf[old:]); err != nil {
			return nil, unexpected(err)
		}
	}
	return buf, nil
}

// unexpected turns an end of input inside a message into an error that
// does not pass for the clean end of the stream.
func unexpected(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return corrupt("input ends inside a message")
	}
	return err
}

// Message returns the next message, checked; io.EOF at the end of the
// stream. It is valid until the next call.
func (m *MessageReader) Message() (*ipc.Message, error) {
	if m.cur != nil {
		m.cur.Release()
		m.cur = nil
	}
	if m.done {
		return nil, io.EOF
	}
	meta, err := m.readMetadata()
	if err != nil {
		return nil, err
	}
	if meta == nil {
		m.done = true
		if m.file && !m.schema {
			// A stream may be empty, but a file holds its schema.
			return nil, corrupt("Arrow file without a schema")
		}
		return nil, io.EOF
	}
	v := &fbVerifier{b: meta}
	msg, err := v.root()
	if err != nil {
		return nil, err
	}
	version, err := msg.i16(0, 0)
	if err != nil {
		return nil, err
	}
	htype, err := msg.u8(1)
	if err != nil {
		return nil, err
	}
	bodyLen, err := msg.i64(3, 0)
	if err != nil {
		return nil, err
	}
	if err := v.keyValues(msg, 4); err != nil {
		return nil, err
	}
	if version != metadataV4 && version != metadataV5 {
		return nil, corrupt("IPC metadata version %d is not supported (V4 or V5)", int(version)+1)
	}
	hdr, ok, err := msg.table(2)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, corrupt("message without header")
	}
	if bodyLen < 0 {
		return nil, corrupt("negative body length %d", bodyLen)
	}
	m.body, err = readFull(m.r, m.body, bodyLen)
	if err != nil {
		return nil, err
	}
	switch htype {
	case msgSchema:
		if m.schema {
			return nil, corrupt("a second schema in the stream")
		}
		if err := m.readSchema(v, hdr); err != nil {
			return nil, err
		}
		m.schema = true
	case msgDictionary:
		if !m.schema {
			return nil, corrupt("dictionary before the schema")
		}
		if err := m.checkDictionary(v, hdr); err != nil {
			return nil, err
		}
	case msgRecordBatch:
		if !m.schema {
			return nil, corrupt("record batch before the schema")
		}
		if m.dictMsgs < m.dictsNeeded {
			return nil, corrupt("record batch before the %d dictionaries the schema needs", m.dictsNeeded)
		}
		for id := range m.dictTypes {
			if !m.dictSeen[id] {
				return nil, corrupt("record batch before dictionary %d", id)
			}
		}
		if _, err := m.checkBatch(v, hdr, m.fields, false); err != nil {
			return nil, err
		}
	default:
		return nil, corrupt("unsupported IPC message type %d", htype)
	}
	mb := memory.NewBufferBytes(meta)
	bb := memory.NewBufferBytes(m.body)
	m.cur = ipc.NewMessage(mb, bb)
	mb.Release()
	bb.Release()
	return m.cur, nil
}

// readMetadata reads a message's framing and metadata; nil at the end of
// the stream.
func (m *MessageReader) readMetadata() ([]byte, error) {
	var hdr [4]byte
	n, err := io.ReadFull(m.r, hdr[:])
	if n == 0 && err == io.EOF {
		if m.file {
			return nil, corrupt("Arrow file ends without its footer (truncated?)")
		}
		return nil, nil // a stream may end without an end-of-stream marker
	}
	if err != nil {
		return nil, unexpected(err)
	}
	size := binary.LittleEndian.Uint32(hdr[:])
	switch {
	case size == ipcContinue:
		if _, err := io.ReadFull(m.r, hdr[:]); err != nil {
			return nil, unexpected(err)
		}
		size = binary.LittleEndian.Uint32(hdr[:])
	case m.file && size != 0:
		// Files from writers that skip the end-of-stream marker go
		// straight on to the footer.
		return nil, m.checkFooter(hdr[:])
	}
	if size == 0 {
		if m.file {
			return nil, m.checkFooter(nil)
		}
		return nil, nil
	}
	if int32(size) < 0 {
		return nil, corrupt("message metadata length %d", int32(size))
	}
	return readFull(m.r, nil, int64(size))
}

// checkFooter reads the rest of an IPC file, which must be its footer: the
// footer flatbuffer, its length and the closing magic. seen holds footer
// bytes already read.
func (m *MessageReader) checkFooter(seen []byte) error {
	tail := append([]byte(nil), seen...)
	total := int64(len(seen))
	buf := make([]byte, 32<<10)
	for {
		n, err := m.r.Read(buf)
		total += int64(n)
		tail = append(tail, buf[:n]...)
		if len(tail) > 10 {
			tail = append(tail[:0], tail[len(tail)-10:]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if len(tail) < 10 || string(tail[4:]) != fileMagic {
		return corrupt("Arrow file does not end with its footer (truncated?)")
	}
	if size := int64(binary.LittleEndian.Uint32(tail[:4])); size <= 0 || size+10 > total {
		return corrupt("Arrow file footer length %d does not fit the %d bytes after the data", size, total)
	}
	m.done = true
	return nil
}

// readSchema verifies a Schema message and records the layout of every

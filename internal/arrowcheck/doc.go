// Package arrowcheck checks Arrow IPC messages before the arrow library
// decodes them, so that corrupt input is an error instead of a panic or an
// allocation much larger than the input.
//
// Its one entry point is NewMessageReader, whose *MessageReader satisfies
// ipc.MessageReader: hand it to ipc.NewReaderFromMessageReader and read
// records as usual.
//
//	msgs := arrowcheck.NewMessageReader(r, false) // an IPC stream
//	rd, err := ipc.NewReaderFromMessageReader(msgs, ipc.WithAllocator(mem))
//	if err != nil {
//		msgs.Release()
//		...
//	}
//	defer rd.Release() // releases msgs too
//
// Every message is checked before it is handed over: the flatbuffer
// metadata lies within its bytes (every table, vector and string the arrow
// library reads), buffers lie within the body without overlapping and are
// as large as their field nodes need, offsets do not decrease nor point
// past their data, dictionary indices lie within their dictionary,
// compressed buffers (LZ4 frame, zstd) really decompress to the size they
// claim, messages come in an order the reader handles (the schema first,
// every dictionary before the first batch), and a batch may not claim more
// than 8 values per body byte (plus 65536) that no buffer holds, such as
// rows of the null type. Lengths read from the input are trusted only as
// far as data actually arrives, so a corrupt length costs at most about
// twice the input. The stream of an IPC file must hold a schema and end
// with the file's footer, which is checked to be there but not read.
//
// Errors about the data wrap ErrCorrupt, or ErrUnsupported for what the
// checks do not cover (big-endian data, union, run-end encoded and view
// types, dictionary-encoded nested fields, a dictionary id used twice);
// those about one column are a *ColumnError naming it. Errors of the
// underlying reader are returned as they are.
package arrowcheck

package query

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/influxframe/influxframe/frame"
)

// Option configures Frames, DataFrame, Decode, NewDecoder, Combine and
// Pivot. An invalid option makes the call return an error.
type Option func(*options) error

type options struct {
	mem   memory.Allocator
	chunk int
}

// WithAllocator sets the allocator of the Arrow memory the call builds
// (default memory.DefaultAllocator).
func WithAllocator(mem memory.Allocator) Option {
	return func(o *options) error {
		if mem == nil {
			return fmt.Errorf("query: nil allocator")
		}
		o.mem = mem
		return nil
	}
}

// WithChunkSize sets the largest number of rows per Arrow record of a
// decoded frame (default frame.DefaultChunkSize). It must be positive.
func WithChunkSize(rows int) Option {
	return func(o *options) error {
		if rows <= 0 {
			return fmt.Errorf("query: chunk size %d is not positive", rows)
		}
		o.chunk = rows
		return nil
	}
}

// applyOptions applies opts over the defaults.
func applyOptions(opts []Option) (options, error) {
	o := options{mem: memory.DefaultAllocator, chunk: frame.DefaultChunkSize}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return o, err
		}
	}
	return o, nil
}

package query

import (
	"context"

	"github.com/go-gota/gota/dataframe"
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxframe/influxframe/frame"
)

// DataFrame runs a Flux query and returns its result as one gota DataFrame,
// as influxdb-client-python's query_data_frame does for pandas: the
// annotation column is dropped; result, table and every other column of the
// response are kept. Where query_data_frame returns a list of DataFrames for
// a result with several column sets, DataFrame returns one, the Combine of
// the frames (union of the columns, null where a table lacks one). An
// empty result is a DataFrame without columns. Column types are those of
// frame.ToDataFrame.
func DataFrame(ctx context.Context, client influxdb2.Client, org, flux string, opts ...Option) (dataframe.DataFrame, error) {
	frames, err := Frames(ctx, client, org, flux, opts...)
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	defer func() {
		for _, f := range frames {
			f.Release()
		}
	}()
	if len(frames) == 0 {
		return dataframe.DataFrame{}, nil
	}
	f, err := Combine(frames, opts...)
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	defer f.Release()
	return frame.ToDataFrame(f), nil
}

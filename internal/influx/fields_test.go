package influx

import (
	"fmt"
	"testing"

	"github.com/influxframe/influxframe/internal/testserver"
)

func TestFieldTypes(t *testing.T) {
	for _, kind := range testserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			srv := testserver.Shared(t, kind)
			bucket := srv.NewBucket(t)
			_, c := connect(t, srv, Settings{}, 0)
			server, err := Detect(ctxT(t), c)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.WriteAPIBlocking(srv.Org, bucket).WriteRecord(ctxT(t),
				`m,host=a f=1.5,i=2i,s="x",b=true 1700000000000000000`,
				`m,host=b f=2.5 1700000000000000001`); err != nil {
				t.Fatal(err)
			}
			got, err := FieldTypes(ctxT(t), c, server, srv.Org, bucket, "m")
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]string{"f": {TypeFloat}, "i": {TypeInteger}, "s": {TypeString}, "b": {TypeBoolean}}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("FieldTypes = %v, want %v", got, want)
			}
			none, err := FieldTypes(ctxT(t), c, server, srv.Org, bucket, "absent")
			if err != nil || len(none) != 0 {
				t.Errorf("absent measurement: %v, %v", none, err)
			}
		})
	}
}

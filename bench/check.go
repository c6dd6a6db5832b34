package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Check sends one request of op to the server and compares its answer with
// the floor's, byte for byte (for a write, with what the database then
// holds), so that a benchmark never measures a server and a floor that do
// different work, or a server that answers wrongly.
func Check(ctx context.Context, srv *Server, floor *Floor, op Operation, t *Targets) error {
	if op.Name == MixedName {
		return nil // its reads and writes are checked on their own
	}
	body, _, err := srv.Post(ctx, op, t, 0)
	if err != nil {
		return fmt.Errorf("check %s: %w", op.Name, err)
	}
	if op.Floor == nil {
		return checkWrite(ctx, floor, op, t, body)
	}
	want, err := floor.Answer(ctx, op.Name, t, 0)
	if err != nil {
		return fmt.Errorf("check %s: %w", op.Name, err)
	}
	if !bytes.Equal(body, want) {
		return fmt.Errorf("check %s: the server answered\n  %s\nbut the floor's SQL\n  %s", op.Name, excerpt(body), excerpt(want))
	}
	return nil
}

// checkWrite checks that the database holds what M1 says it wrote.
func checkWrite(ctx context.Context, floor *Floor, op Operation, t *Targets, body []byte) error {
	if op.Name != "M1" {
		return fmt.Errorf("no check for operation %s", op.Name)
	}
	var res struct {
		Data struct {
			UpdateActivity struct{ ID, Status string }
		}
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return fmt.Errorf("check %s: decode response: %w", op.Name, err)
	}
	got := [2]string{res.Data.UpdateActivity.ID, res.Data.UpdateActivity.Status}
	want, err := floor.activityStatus(ctx, t.Activities[0])
	if err != nil {
		return fmt.Errorf("check %s: %w", op.Name, err)
	}
	if got != want {
		return fmt.Errorf("check %s: the server answered %v but the database holds %v", op.Name, got, want)
	}
	return nil
}

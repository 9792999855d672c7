package order_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/internal/testdb"
	"zhenxing/order"
)

// TestExpiryTwoRunners: two replicas expire the same overdue orders at once; each order is
// cancelled, and its stock released, exactly once.
func TestExpiryTwoRunners(t *testing.T) {
	pool, url := testdb.NewWithURL(t)
	f := newFixtureOn(t, pool)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 1000, 1, 1)
	f.product("cherry", "白鹿原樱桃", "dizhai-cherry", 7800, 1000, 1, 1)
	b := f.org("某区总工会", true, nil)
	const n = 40
	var numbers []string
	for i := range n {
		f.add(b, "wuji", "2")
		if i%2 == 0 {
			f.add(b, "cherry", "3")
		}
		for _, o := range f.place(b).Orders {
			numbers = append(numbers, o.Number)
		}
	}
	paid := numbers[0] // one order is paid in time and must stay so
	if _, err := f.svc.Payments.RecordTransfer(ctx, f.staff(), transfer(paid, 25600, "B-1")); err != nil {
		t.Fatal(err)
	}
	if f.stock("wuji") != 1000-2*n || f.stock("cherry") != 1000-3*n/2 {
		t.Fatalf("reserved: %d %d", f.stock("wuji"), f.stock("cherry"))
	}

	// Not yet due: nothing happens.
	if got, err := f.svc.Orders.Expire(ctx); err != nil || got != 0 {
		t.Fatalf("Expire before the deadline = %d, %v", got, err)
	}
	f.clk.Add(48*time.Hour + time.Second)

	other, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	runners := []*order.Service{
		order.New(pool, order.Config{Now: f.clk.Now, ExpiryBatch: 3}),
		order.New(other, order.Config{Now: f.clk.Now, ExpiryBatch: 3}),
	}
	var wg sync.WaitGroup
	counts := make([]int, len(runners))
	start := make(chan struct{})
	for i, r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c, err := r.Orders.Expire(ctx)
			if err != nil {
				t.Errorf("runner %d: %v", i, err)
			}
			counts[i] = c
		}()
	}
	close(start)
	wg.Wait()
	t.Logf("runners cancelled %v", counts)
	if counts[0]+counts[1] != len(numbers)-1 {
		t.Fatalf("runners cancelled %v, want %d in all", counts, len(numbers)-1)
	}
	// The paid order's stock stays sold; every other unit is back, once.
	if f.stock("wuji") != 1000-2 || f.stock("cherry") != 1000 {
		t.Fatalf("stock after expiry: %d %d", f.stock("wuji"), f.stock("cherry"))
	}
	var releases, cancelEvents int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM stock_movements WHERE delta > 0 AND reason LIKE '%取消%'),
		(SELECT count(*) FROM order_events WHERE to_state = 'cancelled')`).Scan(&releases, &cancelEvents); err != nil {
		t.Fatal(err)
	}
	if releases != n+n/2-1 || cancelEvents != len(numbers)-1 {
		t.Fatalf("release movements %d, cancel events %d", releases, cancelEvents)
	}
	if f.state(paid) != order.StatePaid || f.state(numbers[1]) != order.StateCanceled {
		t.Fatalf("states %s %s", f.state(paid), f.state(numbers[1]))
	}
	d, _ := f.svc.Orders.Get(ctx, b.OrganizationID, numbers[1])
	if last := d.Events[len(d.Events)-1]; last.ActorName != "系统" || last.To != order.StateCanceled {
		t.Fatalf("expiry event = %+v", last)
	}
	// A second pass finds nothing.
	if got, err := runners[1].Orders.Expire(ctx); err != nil || got != 0 {
		t.Fatalf("Expire again = %d, %v", got, err)
	}
}

// TestRunStops: the expiry loop returns once its context is cancelled.
func TestRunStops(t *testing.T) {
	f := newFixture(t)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		f.svc.Orders.Run(runCtx)
		close(done)
	}()
	cancel()
	<-done
}

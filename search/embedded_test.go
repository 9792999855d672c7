package search_test

import (
	"testing"

	"zhenxing/search"
	"zhenxing/search/searchtest"
)

func TestEmbeddedConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Engine { return search.NewEmbedded() })
}

package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestPaymentConfig: without STRIPE_SECRET_KEY there is no Stripe; with it, the Stripe settings
// reach the config; the deadline and the sample collection account have their defaults.
func TestPaymentConfig(t *testing.T) {
	cfg, err := loadConfig(env(nil), false)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Stripe != nil {
		t.Errorf("Stripe configured without a key: %+v", cfg.Stripe)
	}
	if cfg.OrderPayTime != 48*time.Hour {
		t.Errorf("OrderPayTime %v, want 48h", cfg.OrderPayTime)
	}
	if !strings.Contains(cfg.BankAccount.Name, "示例") || !strings.Contains(cfg.BankAccount.Bank, "示例") || cfg.BankAccount.Number == "" {
		t.Errorf("default collection account %+v is not marked as a sample", cfg.BankAccount)
	}

	cfg, err = loadConfig(env(map[string]string{
		"STRIPE_SECRET_KEY":      "sk_test_51Abc",
		"STRIPE_WEBHOOK_SECRET":  "whsec_abc123",
		"STRIPE_API_URL":         "http://127.0.0.1:12111",
		"STRIPE_PAYMENT_METHODS": " wechat_pay, Alipay ,wechat_pay",
		"ORDER_PAY_HOURS":        "72",
		"BANK_ACCOUNT_NAME":      "西安市灞桥区总工会",
		"BANK_NAME":              "中国工商银行西安纺织城支行",
		"BANK_ACCOUNT_NUMBER":    "3700-0221-0900-1234-567",
	}), false)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Stripe
	if s == nil || s.SecretKey != "sk_test_51Abc" || s.WebhookSecret != "whsec_abc123" || s.APIURL != "http://127.0.0.1:12111" ||
		!slices.Equal(s.PaymentMethods, []string{"wechat_pay", "alipay"}) {
		t.Errorf("Stripe config %+v", s)
	}
	if cfg.OrderPayTime != 72*time.Hour {
		t.Errorf("OrderPayTime %v, want 72h", cfg.OrderPayTime)
	}
	if b := cfg.BankAccount; b.Name != "西安市灞桥区总工会" || b.Bank != "中国工商银行西安纺织城支行" || b.Number != "3700-0221-0900-1234-567" {
		t.Errorf("collection account %+v", b)
	}

	cfg, err = loadConfig(env(map[string]string{"STRIPE_SECRET_KEY": "rk_live_abc", "STRIPE_WEBHOOK_SECRET": "whsec_x"}), false)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Stripe == nil || cfg.Stripe.APIURL != "" || !slices.Equal(cfg.Stripe.PaymentMethods, []string{"card"}) {
		t.Errorf("Stripe config with defaults %+v", cfg.Stripe)
	}
}

package payment

// BankAccount is the collection account that buyers pay by bank transfer (对公转账): the payee
// (收款单位), the bank and branch (开户行) and the account number (账号).
type BankAccount struct {
	Name   string
	Bank   string
	Number string
}

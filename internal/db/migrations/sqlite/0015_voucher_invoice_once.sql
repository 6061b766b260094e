-- An invoice of a provider is redeemed once: no second claim, by the same
-- enterprise or another, on one invoice.
CREATE UNIQUE INDEX voucher_claims_invoice ON voucher_claims (provider_id, invoice_no);

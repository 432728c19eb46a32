"""Demo data: a small Chinese customer-service organisation with two months of tickets."""

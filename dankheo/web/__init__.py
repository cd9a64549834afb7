"""What every blueprint's views share: the transaction boundary and access checks."""

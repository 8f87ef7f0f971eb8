"""What a control may read (``AwsContext``), memoized, bounded, prefetched and recorded."""

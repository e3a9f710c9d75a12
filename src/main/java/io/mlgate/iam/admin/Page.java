package io.mlgate.iam.admin;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing: the items, and the marker to pass to get the next page (present exactly when the listing
 * was truncated, as IAM's {@code IsTruncated}/{@code Marker}).
 */
public record Page<T>(List<T> items, Optional<String> marker) {

    public Page {
        items = List.copyOf(items);
    }

    public boolean isTruncated() {
        return marker.isPresent();
    }
}

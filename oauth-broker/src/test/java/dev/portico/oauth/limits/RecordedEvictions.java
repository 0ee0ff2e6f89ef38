package dev.portico.oauth.limits;

import dev.portico.oauth.storage.EvictionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link EvictionListener} that keeps what it heard, as "store/reason/count". */
public final class RecordedEvictions implements EvictionListener {

    private final List<String> heard = new CopyOnWriteArrayList<>();

    @Override
    public void evicted(String store, String reason, int count) {
        heard.add(store + "/" + reason + "/" + count);
    }

    public List<String> heard() {
        return List.copyOf(heard);
    }
}

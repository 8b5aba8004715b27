package dev.gateway.cluster.cache;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A {@link StoredResponse} as the cluster's cache map holds it. */
final class StoredResponseValue implements IdentifiedDataSerializable {
    static final int CLASS_ID = 1;
    private StoredResponse response;

    StoredResponseValue() {
    }

    StoredResponseValue(StoredResponse response) {
        this.response = response;
    }

    StoredResponse response() {
        return response;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(response.status());
        writeList(out, response.headers());
        out.writeByteArray(response.body());
        out.writeLong(response.storedAtMillis());
        out.writeLong(response.ageAtStoreSeconds());
        writeList(out, response.varyOn());
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        try {
            int status = in.readInt();
            List<String> headers = readList(in);
            byte[] body = in.readByteArray();
            response = new StoredResponse(status, headers, body == null ? new byte[0] : body, in.readLong(),
                    in.readLong(), readList(in));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("a cached response does not decode: " + e.getMessage(), e);
        }
    }

    private static void writeList(ObjectDataOutput out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) {
            out.writeString(s);
        }
    }

    private static List<String> readList(ObjectDataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("a cached response has " + n + " strings in a list");
        }
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(in.readString());
        }
        return list;
    }

    @Override
    public int getFactoryId() {
        return CacheMaps.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return CLASS_ID;
    }
}

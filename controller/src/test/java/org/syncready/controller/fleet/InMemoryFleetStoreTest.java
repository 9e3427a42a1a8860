package org.syncready.controller.fleet;

class InMemoryFleetStoreTest extends FleetStoreContract {
    @Override
    protected FleetStore newStore() {
        return new InMemoryFleetStore();
    }
}

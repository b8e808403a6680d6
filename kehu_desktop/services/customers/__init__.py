"""The customer-files desk (客户档案): the files, their fields and checks, and search."""
